//! BPL (business process logic) tasks: admin-defined per service provider (`tasks`), each a
//! built-in action with typed parameters and an optional charge, executed on a subscriber's
//! wallet from the edit screen (`execute`).

pub mod execute;
pub mod tasks;
