from app.sandbox.cli import main

main()
