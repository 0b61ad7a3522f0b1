"""The national register of children's homes: loading it, and browsing it."""
