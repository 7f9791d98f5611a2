// Placeholder (issue 5)
