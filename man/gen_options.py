#!/usr/bin/python3
"""Print the OPTIONS section of man/bleedwatch.8 (roff) from sensor/options.c,
or with --markdown the option tables of README.md's "Options" section.

The option table is the one place options exist; this turns it into the
man page's option list, grouped by the table's comments. Paste the output
between the '.\\" OPTIONS BEGIN' and '.\\" OPTIONS END' markers:

    man/gen_options.py > /tmp/opts && (edit man/bleedwatch.8)

tests/e2e/deploy.sh checks that every option of `bleedwatch --help` is in both.
"""
import os
import re
import sys

src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sensor", "options.c")).read()
body = src[src.index("option_table[] = {"):src.index("{ NULL, 0, 0, 0, NULL, NULL }")]
entry = re.compile(r'\{ "([^"]+)", (\'.\'|0), (OPT_\w+), [^,]+(?:\([^)]*\))?, (NULL|"[^"]*"), "((?:[^"\\]|\\.)*)" \}')


def roff(s):
    return s.replace("\\", "\\e").replace("-", "\\-").replace("'", "\\(aq")


MARKDOWN = "--markdown" in sys.argv[1:]

for line in body.splitlines():
    line = line.strip()
    m = re.match(r"/\* (.*) \*/", line)
    if m:
        if MARKDOWN:
            print("\n| %s | |\n|---|---|" % m.group(1).capitalize())
        else:
            print('.SS "%s"' % m.group(1).capitalize())
        continue
    m = entry.search(line)
    if not m:
        continue
    name, short, _, metavar, help_ = m.groups()
    help_ = help_.replace('\\"', '"')
    if MARKDOWN:
        left = ("`-%s`, " % short.strip("'") if short != "0" else "") + \
            "`--%s%s`" % (name, "" if metavar == "NULL" else " " + metavar.strip('"'))
        print("| %s | %s |" % (left, help_.replace("|", "\\|")))
        continue
    tag = ""
    if short != "0":
        tag = "\\fB\\-%s\\fR" % short.strip("'")
        if metavar != "NULL":
            tag += " \\fI%s\\fR" % metavar.strip('"')
        tag += ", "
    tag += "\\fB\\-\\-%s\\fR" % roff(name)
    if metavar != "NULL":
        tag += " \\fI%s\\fR" % roff(metavar.strip('"'))
    print(".TP\n" + tag)
    print(roff(help_).replace("\n.", "\n\\&.") + ".")
