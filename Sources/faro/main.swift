print("faro")
