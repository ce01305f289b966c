import Mustache

/// The dashboard's pages: Mustache templates (swift-mustache) in `Resources/Dashboard`, built
/// into the module: one layout, its style sheet (the partial `style`) and a body per page.
/// `{{x}}` escapes HTML; `{{{x}}}` is used only for markup built here (the layout's body, charts).
enum DashboardTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, bytes) in sources {
            // Files of this module: a parse error is a bug here, caught by every dashboard test.
            var text = String(decoding: bytes, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        return library
    }()

    private static let sources: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache,
        "style": PackageResources.style_css,
        "overview": PackageResources.overview_mustache,
        "jobs": PackageResources.jobs_mustache,
        "job": PackageResources.job_mustache,
        "schedules": PackageResources.schedules_mustache,
        "schedule-edit": PackageResources.schedule_edit_mustache,
        "nodes": PackageResources.nodes_mustache,
        "batches": PackageResources.batches_mustache,
        "bulk-confirm": PackageResources.bulk_confirm_mustache,
        "login": PackageResources.login_mustache,
    ]
}
