//! vtable
