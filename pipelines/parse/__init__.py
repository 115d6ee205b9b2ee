"""Documents → grids: PDF (pdfium + camelot), HTML (lxml), DOCX (its own table markup).
Knows nothing of the template: a grid is cells with text and positions."""
