import BrickSite
import Foundation
import Testing

/// The files in contrib/: the systemd units pass `systemd-analyze verify`, the
/// Kubernetes manifest has what an Indexed CronJob of shards needs.
@Suite struct ContribTests {
    private let contrib = Tools.packageRoot.appendingPathComponent("contrib")
    private let units = [
        "brick-backup.service", "brick-backup.timer", "brick-purge.service", "brick-purge.timer", "brick-export.service", "brick-export.timer",
    ]

    private func unit(_ name: String) throws -> String {
        try String(contentsOf: contrib.appendingPathComponent("systemd/\(name)"), encoding: .utf8)
    }

    @Test("the systemd units are oneshot, niced, idle-I/O, hardened, on persistent randomized timers")
    func unitSettings() throws {
        for service in ["brick-backup.service", "brick-purge.service", "brick-export.service"] {
            let text = try unit(service)
            for line in ["Type=oneshot", "Nice=10", "IOSchedulingClass=idle", "ProtectSystem=strict", "ReadWritePaths=/srv/brick",
                         "PrivateTmp=true", "NoNewPrivileges=true", "CapabilityBoundingSet="] {
                #expect(text.contains(line), "\(service) lacks \(line)")
            }
            #expect(text.contains("ProtectHome="), "\(service) lacks ProtectHome")
        }
        #expect(try unit("brick-backup.service").contains("CapabilityBoundingSet=CAP_DAC_READ_SEARCH"))
        #expect(try unit("brick-export.service").contains("--target offsite --all-groups"))
        for timer in ["brick-backup.timer", "brick-purge.timer", "brick-export.timer"] {
            let text = try unit(timer)
            #expect(text.contains("Persistent=true") && text.contains("RandomizedDelaySec=") && text.contains("OnCalendar="))
        }
    }

    @Test("systemd-analyze verify accepts the units, with ExecStart pointing at the built brick-backup")
    func systemdVerify() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            print("skipped: systemd-analyze is not installed (Debian package systemd)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("brick-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = Tools.binDirectory.appendingPathComponent("brick-backup").path
        for name in units {
            let text = try unit(name).replacingOccurrences(of: "/usr/local/bin/brick-backup", with: binary)
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["verify", "--man=no"] + units.map { directory.appendingPathComponent($0).path }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")
        // Unknown keys are only warned about: any line about our files is a failure.
        let ours = said.split(separator: "\n").filter { line in units.contains { line.contains($0) } || line.contains(directory.path) }
        #expect(ours.isEmpty, "\(ours.joined(separator: "\n"))")
    }

    @Test("the Kubernetes CronJob runs an Indexed Job of shards, one store directory per index, config and password mounted safely")
    func kubernetesManifest() throws {
        let python = "/usr/bin/python3"
        let path = contrib.appendingPathComponent("kubernetes/brick-backup.yaml").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import json, sys, yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1]))), sys.stdout)", path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if said.contains("No module named 'yaml'") {
            print("skipped: PyYAML is not installed (Debian package python3-yaml)")
            return
        }
        #expect(process.terminationStatus == 0, "\(said)")
        let documents = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        func document(_ kind: String, _ name: String) -> [String: Any]? {
            documents.first { $0["kind"] as? String == kind && ($0["metadata"] as? [String: Any])?["name"] as? String == name }
        }
        let cronJob = try #require(document("CronJob", "brick-backup"))
        let spec = try #require(cronJob["spec"] as? [String: Any])
        #expect(spec["concurrencyPolicy"] as? String == "Forbid")
        let job = try #require((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(job["completionMode"] as? String == "Indexed")
        #expect(job["backoffLimitPerIndex"] is Int)
        let shards = try #require(job["completions"] as? Int)
        #expect(job["parallelism"] as? Int == shards)
        let pod = try #require((job["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let args = try #require(container["args"] as? [String])
        #expect(args.starts(with: ["brick-backup", "backup"]))
        #expect(args.contains("env/\(shards)"))
        let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
        let store = try #require(mounts.first { $0["mountPath"] as? String == "/srv/brick" })
        #expect((store["subPathExpr"] as? String)?.contains("$(SHARD_INDEX)") == true)
        let env = try #require(container["env"] as? [[String: Any]])
        let index = try #require(env.first { $0["name"] as? String == "SHARD_INDEX" })
        #expect("\(index)".contains("batch.kubernetes.io/job-completion-index"))
        let volumes = try #require(pod["volumes"] as? [[String: Any]])
        let secret = try #require(volumes.first { $0["secret"] != nil }?["secret"] as? [String: Any])
        #expect(secret["defaultMode"] as? Int == 0o400)
        #expect(document("Secret", secret["secretName"] as? String ?? "") != nil)
        let configVolume = try #require(volumes.first { $0["name"] as? String == "config" }?["configMap"] as? [String: Any])
        #expect(configVolume["defaultMode"] as? Int == 0o440)
        let configMap = try #require(document("ConfigMap", configVolume["name"] as? String ?? ""))
        let toml = try #require((configMap["data"] as? [String: Any])?["brick.toml"] as? String)
        let site = try SiteConfig.parse(text: toml, file: "brick-backup.yaml")
        #expect(site.source(named: "imap")?.passwordFile?.hasPrefix("/etc/brick/secret/") == true)
        #expect(!site.groups.isEmpty)
    }
}
