from annotator.ui.app import main

main()
