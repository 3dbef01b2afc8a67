"""Non-spatial tables the partnership keeps beside the incident store.

The OCG register and activity, the delivery log, Crimestoppers and survey outcome files, the
Home Office national tables, and the small reference tables analysts edit. Each is read
through checks that name the file, line and problem, and written atomically.
"""
