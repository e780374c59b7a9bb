Attribute VB_Name = "SheetSync"
' sheetsync buttons. Each Sub is one line: all logic lives in Python (sheetsync/excel/adapter.py).
' RunPython comes from the xlwings module that "sheetsync excel build" embeds beside this one.
Option Explicit

Sub ValidateAndSnapshot()
    RunPython "import sheetsync.excel.adapter as m; m.validate_and_snapshot()"
End Sub

Sub ExportNpccUpdate()
    RunPython "import sheetsync.excel.adapter as m; m.export_npcc_update()"
End Sub

Sub ClearMarks()
    RunPython "import sheetsync.excel.adapter as m; m.clear_marks()"
End Sub

Sub SendToOwners()
    RunPython "import sheetsync.excel.owners as m; m.send_to_owners()"
End Sub

Sub MergeReturns()
    RunPython "import sheetsync.excel.owners as m; m.merge_returns()"
End Sub

Sub ChaseOwners()
    RunPython "import sheetsync.excel.chase as m; m.chase_owners()"
End Sub
