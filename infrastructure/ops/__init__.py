"""Operations scripts: replay dead letters, manage users."""
