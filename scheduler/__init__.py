"""When prompts are due (plain time arithmetic) and how they are delivered (tick and pacer)."""
