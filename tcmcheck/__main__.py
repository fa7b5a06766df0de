from tcmcheck.console import run

run()
