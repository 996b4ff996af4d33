//! Pictures: SVG plots and terminal maps of decision boundaries and loss curves. (Work in progress.)
