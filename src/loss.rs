//! Loss functions on [`Value`](crate::Value)s. (Work in progress.)
