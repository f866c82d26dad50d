// Hand-written, no build step; loaded as a file so the CSP needs no inline scripts.
