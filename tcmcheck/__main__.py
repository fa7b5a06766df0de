from tcmcheck.cli import main

main()
