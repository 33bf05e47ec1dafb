print("tensorcell-bench")
