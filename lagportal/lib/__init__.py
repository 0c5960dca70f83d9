"""What every app shares and no app owns: Markdown, mail records, conditional GET and cached
documents, safe CSV, uploaded-geometry reading, a Redis cache that survives Redis going away.

The import rule: any app (accounts, groups, species, volunteering, toolkit) may import
`lagportal.lib`; `lagportal.lib` imports no app, only Django, the standard library and
third-party packages. A test (tests/lib/test_import_rule.py) holds it to that.
"""
