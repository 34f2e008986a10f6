// Filled in by its issue; nothing is exported yet.
export {};
