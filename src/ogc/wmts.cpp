// Placeholder (issue 4): being written.
