import Foundation
import Testing

/// The repository's root, found relative to this source file.
private let repositoryRoot: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast(3)  // Tests/GlobalConvToolsTests/ReadmeQuickStartTests.swift
    return parts.joined(separator: "/")
}()

/// The command lines of the `sh` code blocks of `markdown` that follow the line starting with `heading`
/// (until the next `## ` heading), blank lines and `$ ` transcripts excluded.
private func shellCommands(in markdown: String, after heading: String) -> [[String]] {
    var blocks: [[String]] = []
    var inSection = false, inBlock = false
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line.hasPrefix("## ") { inSection = line.hasPrefix(heading) }
        guard inSection else { continue }
        if line.hasPrefix("```") {
            if inBlock { inBlock = false } else if line == "```sh" { inBlock = true; blocks.append([]) }
            continue
        }
        if inBlock, !line.trimmingCharacters(in: .whitespaces).isEmpty { blocks[blocks.count - 1].append(line) }
    }
    return blocks
}

@Suite("README quick start")
struct ReadmeQuickStartTests {
    let readme: String
    let ciRun: String

    init() throws {
        readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        ciRun = try String(contentsOfFile: repositoryRoot + "/.ci/run", encoding: .utf8)
    }

    @Test("the setup is two commands whose first works for root without sudo and for a user with sudo")
    func setupWorksAsRoot() throws {
        let blocks = shellCommands(in: readme, after: "## Quick start")
        let setup = try #require(blocks.first)
        #expect(setup.count == 2, "the quick start should be two commands, got \(setup)")
        let install = try #require(setup.first)
        #expect(!install.hasPrefix("sudo "), "'\(install)' fails as root where sudo does not exist")
        #expect(!install.contains("&& sudo ") && !install.contains("; sudo "))
        #expect(install.contains("apt-get install -y libfftw3-dev libopenblas-dev libpng-dev libjpeg62-turbo-dev pkg-config"))
        // A fresh container has no package lists: the install must refresh them first.
        #expect(install.contains("apt-get update &&"), "'\(install)' fails in a fresh container without apt-get update")
        #expect(install.contains("$(command -v sudo)") || install.contains("id -u"), "'\(install)' should use sudo only when present")
        #expect(setup.last == "swift run -c release globalconv sweep")
        #expect(readme.contains("about 90 s"), "the README should say the first run builds for about 90 s")
    }

    @Test("the README's test command is the one CI runs")
    func testCommandMatchesCI() throws {
        let readmeCommands = shellCommands(in: readme, after: "## Quick start").flatMap { $0 }
        let readmeTest = try #require(readmeCommands.first { $0.hasPrefix("swift test") })
        let ciTest = try #require(ciRun.split(separator: "\n").map(String.init).first { $0.hasPrefix("swift test") })
        #expect(readmeTest == ciTest)
        // CI installs the packages the README names.
        for package in ["libfftw3-dev", "libopenblas-dev", "libpng-dev", "libjpeg62-turbo-dev", "pkg-config"] { #expect(ciRun.contains(package)) }
    }
}
