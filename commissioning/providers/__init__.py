"""Provider self-service: vacancies, statement of purpose, fee, location and current group."""
