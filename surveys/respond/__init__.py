"""What respondents see: the questionnaire at /s/<token>/, its thank-you page, and QR posters."""
