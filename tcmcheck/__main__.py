from tcmcheck.cli import run

run()
