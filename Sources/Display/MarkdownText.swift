/// Text placed in Markdown as itself: a table cell holding `<img onerror=...>` or `**x**` from
/// the data must show those characters, not become HTML or emphasis in the front end.
enum MarkdownText {
    static func escape(_ text: String) -> String {
        let characters = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for (index, character) in characters.enumerated() {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "|", "*", "`", "~":
                out += "\\" + String(character)
            case "(" where index > 0 && characters[index - 1] == "]":
                // `[text](url)` is a link only with the parenthesis right after the bracket;
                // escaping it leaves brackets, as in shapes ([4, 2]), as they are.
                out += "\\("
            case "\\":
                // A backslash is literal unless punctuation follows (then it would escape it).
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                out += next.isPunctuation || next.isSymbol ? "\\\\" : "\\"
            case "_":
                // Inside a word (val_loss) an underscore never emphasises; at its edges it can.
                let before = index > 0 ? characters[index - 1] : " "
                let after = index + 1 < characters.count ? characters[index + 1] : " "
                out += before.isLetter || before.isNumber ? (after.isLetter || after.isNumber ? "_" : "\\_") : "\\_"
            default: out.append(character)
            }
        }
        return out
    }
}
