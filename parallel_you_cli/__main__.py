from parallel_you_cli.app import main

main()
