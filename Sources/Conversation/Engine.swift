import Content
import Gateway

/// Understand → decide → render, built once per content version. Pure: the shells pass state and time in and
/// store what comes out.
public struct Engine: Sendable {
    public let catalog: Catalog
    public let gateway: Gateway
    public let conversation: Conversation
    /// Content problems found while building (pattern compile errors, over-budget replies…).
    public let issues: [ContentIssue]

    public init(catalog: Catalog, budget: Int = 3) {
        self.catalog = catalog
        gateway = Gateway(catalog: catalog)
        let rendered = RenderedCatalog(catalog: catalog, budget: budget)
        conversation = Conversation(catalog: catalog, rendered: rendered)
        issues = gateway.issues + rendered.issues
    }

    /// Loads content from a folder: the engine, or nil with the problems when the content is unusable.
    public static func load(directory: String, budget: Int = 3) -> (engine: Engine?, issues: [ContentIssue]) {
        let loaded = CatalogLoader.load(directory: directory)
        guard let catalog = loaded.catalog else { return (nil, loaded.issues) }
        let engine = Engine(catalog: catalog, budget: budget)
        let issues = loaded.issues + engine.issues
        return (issues.contains { $0.severity == .error } ? nil : engine, issues)
    }

    public func handle(text: String, state: SubscriberState, now: Double) -> Decision {
        conversation.decide(state: state, command: gateway.understand(text), now: now)
    }
}
