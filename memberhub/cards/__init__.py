"""Combined Medi-Medi ID card: content builder, carrier letter content, translations."""
