//! Optimizers and learning-rate schedules. (Work in progress.)
