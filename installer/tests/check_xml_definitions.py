"""Checks a generated LaunchAgent plist and Task Scheduler XML file.

usage: check_xml_definitions.py PLIST TASK_XML DAEMON MODELS_DIR
Exits non-zero with a message naming the first problem.
"""
import plistlib
import sys
import xml.etree.ElementTree as ET

TASK_NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check_plist(path, daemon, models):
    with open(path, "rb") as f:
        plist = plistlib.load(f)
    for key in ("Label", "ProgramArguments", "RunAtLoad", "KeepAlive", "StandardOutPath",
                "StandardErrorPath"):
        if key not in plist:
            fail(f"plist lacks {key}")
    if plist["Label"] != "com.clipgen.clipgend":
        fail(f"plist Label is {plist['Label']!r}")
    if plist["ProgramArguments"] != [daemon, "--models", models]:
        fail(f"plist ProgramArguments is {plist['ProgramArguments']!r}")
    if plist["RunAtLoad"] is not True:
        fail("plist RunAtLoad is not true")
    if not plist["StandardErrorPath"].endswith("/Library/Logs/ClipGen/clipgend.launchd.log"):
        fail(f"plist StandardErrorPath is {plist['StandardErrorPath']!r}")


def check_task(path, daemon, models):
    raw = open(path, "rb").read()
    if not raw.startswith(b"\xff\xfe"):
        fail("task XML is not UTF-16LE with a byte order mark")
    root = ET.fromstring(raw)
    if root.tag != "{%s}Task" % TASK_NS["t"]:
        fail(f"task root element is {root.tag}")
    command = root.findtext("t:Actions/t:Exec/t:Command", namespaces=TASK_NS)
    if command != daemon:
        fail(f"task Command is {command!r}")
    arguments = root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=TASK_NS)
    if arguments != f'--models "{models}"':
        fail(f"task Arguments is {arguments!r}")
    if root.find("t:Triggers/t:LogonTrigger", TASK_NS) is None:
        fail("task has no LogonTrigger")
    user = root.findtext("t:Triggers/t:LogonTrigger/t:UserId", namespaces=TASK_NS)
    if user != "STUDIO\\ana":
        fail(f"task LogonTrigger UserId is {user!r}")
    if root.find("t:Settings/t:RestartOnFailure", TASK_NS) is None:
        fail("task does not restart on failure")
    if root.findtext("t:Settings/t:ExecutionTimeLimit", namespaces=TASK_NS) != "PT0S":
        fail("task would be stopped after a time limit")


def main():
    plist, task, daemon, models = sys.argv[1:5]
    check_plist(plist, daemon, models)
    check_task(task, daemon, models)
    print("plist and task XML OK")


if __name__ == "__main__":
    main()
