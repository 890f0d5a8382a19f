"""The policy explorer: what changed between two dates (`diff`), what flips if a parameter moves
(`whatif`), and every rule version on one chart (`timeline`), all read from the dated parameters."""
