"""The Excel front end: the buttons' adapter (`adapter`), the in-memory workbook the tests and benchmark use
(`memory`), the macro-enabled workbook builder and `excel setup` (`build`), and the interpreter the buttons start
(`launch`).

Nothing is imported here: each button press starts a new Python that imports only `sheetsync.excel.adapter`.
"""
