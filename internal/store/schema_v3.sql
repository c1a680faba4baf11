-- rolemine schema, version 3: how well each package's rule fits the users
-- with its access (mining.Metrics.RulePrecision and RuleRecall); runs
-- saved before have none (NULL). See docs/schema.md.
ALTER TABLE packages ADD COLUMN rule_precision DOUBLE;
ALTER TABLE packages ADD COLUMN rule_recall DOUBLE;
