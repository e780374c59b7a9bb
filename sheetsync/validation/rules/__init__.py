"""Every validation rule, registered on import. The order of these modules (and of the functions in each) is
the order of findings found at the same place; a new rule is one function in the module of its scope."""

from sheetsync.validation.rules import plan, recommendation, action, across, catalogue  # noqa: F401, I001
