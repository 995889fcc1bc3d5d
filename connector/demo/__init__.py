"""The demos ``ahead-connector demo`` runs: the X12 story end to end (:mod:`connector.demo.x12`),
with the sample files and the deployment it creates in ``data/``."""
