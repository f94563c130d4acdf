"""The local cloud: moto + a provisioner driven by template.yaml + Lambda-like workers + gateway + triggers."""
