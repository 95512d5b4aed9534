import Content
import Conversation
import Foundation
import Gateway
import Testing
import Yams

@Suite struct ContentTests {
    /// CI gate: the real messages/ folder has no errors (missing translations, over-budget replies, bad patterns…).
    @Test func shippedContentHasNoErrors() {
        let issues = ContentLint.check(directory: Fixtures.messages, today: Date())
        let errors = issues.filter { $0.severity == .error }
        for issue in issues { print(issue) }
        #expect(errors.isEmpty, "\(errors.count) content errors")
    }

    @Test func everyPlaceOfTheContractIsInTheGazetteer() {
        let slugs = ["ciudad-hidalgo", "tapachula", "tenosique", "el-ceibo", "palenque", "arriaga", "ixtepec",
                     "coatzacoalcos", "veracruz", "orizaba", "puebla", "ciudad-de-mexico", "queretaro", "celaya",
                     "irapuato", "guadalajara", "san-luis-potosi", "saltillo", "monterrey", "torreon", "chihuahua",
                     "ciudad-juarez", "piedras-negras", "nuevo-laredo", "reynosa", "matamoros", "hermosillo", "altar",
                     "sasabe", "nogales", "mexicali", "tijuana"]
        for slug in slugs {
            #expect(Fixtures.engine.catalog.places[slug] != nil, "\(slug) missing")
            #expect(Fixtures.engine.first(slug.replacingOccurrences(of: "-", with: " ")).command.place == slug)
        }
        #expect(Set(Fixtures.engine.catalog.routes.keys) == ["pacifico", "golfo", "centro"])
    }

    @Test func unverifiedContactsAreMarked() throws {
        let engine = Fixtures.engine
        for point in engine.catalog.help where !point.verified && point.phone != nil {
            guard let place = point.place else { continue }
            let ui = try #require(engine.catalog.languages["es"]?.ui["unverified"])
            for key in ["dangers@\(place)", "shelter@\(place)", "legal@\(place)", "medical@\(place)"] {
                for page in engine.conversation.rendered.pages(key, "es") ?? [] where page.text.contains(point.phone!) {
                    #expect(page.text.contains(point.phone! + " " + ui), "\(point.id) in \(key)")
                }
            }
        }
    }

    @Test func brokenEditIsReportedWithFileAndLine() {
        let result = CatalogLoader.parse(files: [
            ("languages/es.yaml", "code: es\nname: Español\nkeywords:\n  rights: [derechos\n"),
        ])
        #expect(result.catalog == nil)
        #expect(result.errors.first?.origin.file == "languages/es.yaml")
        #expect((result.errors.first?.origin.line ?? 0) >= 4)
    }

    @Test func badKeywordPatternIsReportedWithItsLine() {
        let files = [("languages/es.yaml", "code: es\nname: Español\nkeywords:\n  rights:\n    - derechos\n    - \"re:(unclosed\"\n")]
        let catalog = CatalogLoader.parse(files: files).catalog!
        let issues = Gateway(catalog: catalog).issues
        #expect(issues.contains { $0.origin == Origin(file: "languages/es.yaml", line: 6) && $0.message.contains("does not compile") })
    }

    /// A keyword id staff mistype (a strength on rights, a topic on another intent) is an error with its line.
    @Test(arguments: ["rights.weak", "menu.asylum", "dangers.tijuana", "helpme"])
    func unknownKeywordIdIsReported(id: String) {
        let files = [("languages/es.yaml", "code: es\nname: Español\nkeywords:\n  rights: [derechos]\n  \(id): [algo]\n")]
        let catalog = CatalogLoader.parse(files: files).catalog!
        #expect(Gateway(catalog: catalog).issues.contains {
            $0.severity == .error && $0.origin == Origin(file: "languages/es.yaml", line: 5) && $0.message.contains("unknown keyword id")
        })
    }

    @Test func unknownPlaceInKeywordIdIsReported() {
        let files = [("languages/es.yaml", "code: es\nname: Español\nkeywords:\n  rights: [derechos]\n  place.atlantis: [atlantida]\n")]
        let catalog = CatalogLoader.parse(files: files).catalog!
        #expect(Gateway(catalog: catalog).issues.contains {
            $0.severity == .error && $0.origin.line == 5 && $0.message.contains("unknown place 'atlantis'")
        })
    }

    @Test func collidingKeywordsAreReported() {
        let files = [("languages/es.yaml", "code: es\nname: Español\nkeywords:\n  rights: [ayuda]\n  menu: [ayuda]\n")]
        let catalog = CatalogLoader.parse(files: files).catalog!
        #expect(Gateway(catalog: catalog).issues.contains { $0.message.contains("also means") })
    }
}
