//! Each list declared once: its columns (key, label, sort expression, pane cell, export cell),
//! its filters and its keyset row source. The pane, the sort allow-list, the column chooser and
//! every export format derive from the declaration.
