"""A manifest as Copilot deploys it: environments merged over the base, names, the task's containers."""
