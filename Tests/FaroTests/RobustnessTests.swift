import Conversation
import Foundation
import Testing

/// Hostile and odd input never crashes or hangs and always gets a sensible reply within the budget.
@Suite struct RobustnessTests {
    /// Lines of Fixtures/robustness.txt with `\u{…}`, `\n`, `\r`, `\t`, `\\` unescaped; `#` lines are comments.
    static let inputs: [String] = {
        guard let text = try? String(contentsOfFile: Fixtures.path("robustness.txt"), encoding: .utf8) else { return [] }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines.filter { !$0.hasPrefix("#") }.map(unescape)
    }()

    static func unescape(_ line: String) -> String {
        var out = "", chars = Array(line), i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 1 < chars.count {
                switch chars[i + 1] {
                case "n": out.append("\n"); i += 2; continue
                case "r": out.append("\r"); i += 2; continue
                case "t": out.append("\t"); i += 2; continue
                case "\\": out.append("\\"); i += 2; continue
                case "u" where i + 2 < chars.count && chars[i + 2] == "{":
                    if let close = chars[(i + 3)...].firstIndex(of: "}"),
                       let value = UInt32(String(chars[(i + 3)..<close]), radix: 16), let scalar = Unicode.Scalar(value) {
                        out.unicodeScalars.append(scalar); i = close + 1; continue
                    }
                default: break
                }
            }
            out.append(chars[i]); i += 1
        }
        return out
    }

    @Test func fixtureHasCases() { #expect(Self.inputs.count >= 20) }

    @Test func everyOddInputGetsAReply() {
        let inputs = Self.inputs + [
            String(repeating: "a", count: 10_000), String(repeating: "peligros tijuana ", count: 700),
            String(decoding: [0xFF, 0xFE, 0x41, 0xC3, 0x28, 0x61], as: UTF8.self),   // invalid UTF-8, repaired
            "0", "00", "999999999999999999999999", "🆘", "\u{202E}sorgilep",
        ]
        for text in inputs {
            let d = Fixtures.engine.first(text)
            #expect(!d.reply.text.isEmpty, "no reply for \(text.debugDescription.prefix(40))")
            #expect(d.reply.segments <= 3)
            #expect(["es", "fr", "en"].contains(d.language))
        }
    }

    @Test func emptyTextGetsHelpInSpanish() {
        let d = Fixtures.engine.first("")
        #expect(d.command.intent == .unknown)
        #expect(d.language == "es")
    }
}
