"""Activity files (FIT, GPX, TCX, gzipped or not) into columns: ``parse(data, data_type)``.

Heavy (numpy): imported only by the functions that process files, never by API functions.
"""
