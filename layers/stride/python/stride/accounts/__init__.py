"""Athletes: profiles linked to Cognito identities, roles, heart-rate and power zones, profile pictures."""
