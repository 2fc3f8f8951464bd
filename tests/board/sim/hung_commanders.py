"""Shell scripts that stand in for a Simplicity Commander stuck as a hung debugger or a misbehaving install would
leave it: one that closes its output and hangs, one that exits but leaves a child holding its output. Each
writes its own process id and its child's into ``{pidfile}`` (format the script with the file's path), so a
test can check both are gone and kill what is left."""

CLOSES_OUTPUT_AND_HANGS = """#!/bin/sh
echo "Part Number    : EFR32MG24B310F1536IM48"
exec >&- 2>&-
sleep 300 &
echo $$ $! > "{pidfile}"
wait
"""
EXITS_LEAVING_A_CHILD_ON_ITS_OUTPUT = """#!/bin/sh
echo "Part Number    : EFR32MG24B310F1536IM48"
echo "Die Revision   : A1"
echo "Production Ver : 2"
echo "Flash Size     : 1536 kB"
echo "SRAM Size      : 256 kB"
echo "Unique ID      : 881a14fffe2f49c6"
echo "DONE"
sleep 300 &
echo $$ $! > "{pidfile}"
exit 0
"""
