"""The single DynamoDB table: key builders, pynamodb item models and repositories. Nothing else imports pynamodb."""
