print("tensorcell")
