//! Datasets: the TensorFlow Playground's two-class 2D sets and the seed stories' data. (Work in progress.)
