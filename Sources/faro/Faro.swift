import ArgumentParser

@main
struct Faro: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faro",
        abstract: "Faro: an SMS/USSD information line for migrants in transit through Mexico.",
        subcommands: [Serve.self, Ask.self, Chat.self, ContentCommand.self, Alert.self, Purge.self, Bench.self])
}
