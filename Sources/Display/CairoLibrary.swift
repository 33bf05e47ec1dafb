import CCairo

#if canImport(Glibc)
    import Glibc
#endif

/// cairo, opened on the first drawing rather than when the program starts.
///
/// cairo brings pixman, freetype, fontconfig and the X11 libraries with it, a megabyte or two
/// of memory in every process that links it; the kernel stays lean until a chart is drawn.
/// Each field is the function of the same name without its `cairo_` prefix, typed by cairo's
/// own header, so calls read `cairo.set_line_width(cr, 2)` and are checked as before. Through a
/// function pointer, C's pointer results arrive as optionals; those that cairo documents as
/// never NULL (`cairo_create`, `cairo_image_surface_create`, `cairo_status_to_string`) are
/// unwrapped where they are called.
struct CairoLibrary: @unchecked Sendable {
    let arc: tensorcell_cairo_arc_fn
    let clip: tensorcell_cairo_clip_fn
    let close_path: tensorcell_cairo_close_path_fn
    let create: tensorcell_cairo_create_fn
    let destroy: tensorcell_cairo_destroy_fn
    let fill: tensorcell_cairo_fill_fn
    let fill_preserve: tensorcell_cairo_fill_preserve_fn
    let get_source: tensorcell_cairo_get_source_fn
    let image_surface_create: tensorcell_cairo_image_surface_create_fn
    let image_surface_create_from_png_stream: tensorcell_cairo_image_surface_create_from_png_stream_fn
    let image_surface_get_data: tensorcell_cairo_image_surface_get_data_fn
    let image_surface_get_format: tensorcell_cairo_image_surface_get_format_fn
    let image_surface_get_height: tensorcell_cairo_image_surface_get_height_fn
    let image_surface_get_stride: tensorcell_cairo_image_surface_get_stride_fn
    let image_surface_get_width: tensorcell_cairo_image_surface_get_width_fn
    let line_to: tensorcell_cairo_line_to_fn
    let move_to: tensorcell_cairo_move_to_fn
    let new_path: tensorcell_cairo_new_path_fn
    let new_sub_path: tensorcell_cairo_new_sub_path_fn
    let paint: tensorcell_cairo_paint_fn
    let pattern_set_extend: tensorcell_cairo_pattern_set_extend_fn
    let pattern_set_filter: tensorcell_cairo_pattern_set_filter_fn
    let rectangle: tensorcell_cairo_rectangle_fn
    let restore: tensorcell_cairo_restore_fn
    let rotate: tensorcell_cairo_rotate_fn
    let save: tensorcell_cairo_save_fn
    let scale: tensorcell_cairo_scale_fn
    let select_font_face: tensorcell_cairo_select_font_face_fn
    let set_antialias: tensorcell_cairo_set_antialias_fn
    let set_dash: tensorcell_cairo_set_dash_fn
    let set_font_size: tensorcell_cairo_set_font_size_fn
    let set_line_cap: tensorcell_cairo_set_line_cap_fn
    let set_line_join: tensorcell_cairo_set_line_join_fn
    let set_line_width: tensorcell_cairo_set_line_width_fn
    let set_source_rgba: tensorcell_cairo_set_source_rgba_fn
    let set_source_surface: tensorcell_cairo_set_source_surface_fn
    let show_text: tensorcell_cairo_show_text_fn
    let status: tensorcell_cairo_status_fn
    let status_to_string: tensorcell_cairo_status_to_string_fn
    let stroke: tensorcell_cairo_stroke_fn
    let surface_destroy: tensorcell_cairo_surface_destroy_fn
    let surface_flush: tensorcell_cairo_surface_flush_fn
    let surface_mark_dirty: tensorcell_cairo_surface_mark_dirty_fn
    let surface_status: tensorcell_cairo_surface_status_fn
    let surface_write_to_png_stream: tensorcell_cairo_surface_write_to_png_stream_fn
    let text_extents: tensorcell_cairo_text_extents_fn
    let translate: tensorcell_cairo_translate_fn

    /// Opens the library, or says why it could not.
    fileprivate static func load() -> Result<CairoLibrary, RenderError> {
        guard let handle = dlopen("libcairo.so.2", RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(.cairo("cairo could not be loaded (Debian package libcairo2): \(reason)"))
        }
        func symbol<T>(_ name: String) throws(RenderError) -> T {
            guard let address = dlsym(handle, name) else { throw .cairo("cairo has no function \(name)") }
            return unsafeBitCast(address, to: T.self)
        }
        do throws(RenderError) {
            return .success(CairoLibrary(
            arc: try symbol("cairo_arc"),
            clip: try symbol("cairo_clip"),
            close_path: try symbol("cairo_close_path"),
            create: try symbol("cairo_create"),
            destroy: try symbol("cairo_destroy"),
            fill: try symbol("cairo_fill"),
            fill_preserve: try symbol("cairo_fill_preserve"),
            get_source: try symbol("cairo_get_source"),
            image_surface_create: try symbol("cairo_image_surface_create"),
            image_surface_create_from_png_stream: try symbol("cairo_image_surface_create_from_png_stream"),
            image_surface_get_data: try symbol("cairo_image_surface_get_data"),
            image_surface_get_format: try symbol("cairo_image_surface_get_format"),
            image_surface_get_height: try symbol("cairo_image_surface_get_height"),
            image_surface_get_stride: try symbol("cairo_image_surface_get_stride"),
            image_surface_get_width: try symbol("cairo_image_surface_get_width"),
            line_to: try symbol("cairo_line_to"),
            move_to: try symbol("cairo_move_to"),
            new_path: try symbol("cairo_new_path"),
            new_sub_path: try symbol("cairo_new_sub_path"),
            paint: try symbol("cairo_paint"),
            pattern_set_extend: try symbol("cairo_pattern_set_extend"),
            pattern_set_filter: try symbol("cairo_pattern_set_filter"),
            rectangle: try symbol("cairo_rectangle"),
            restore: try symbol("cairo_restore"),
            rotate: try symbol("cairo_rotate"),
            save: try symbol("cairo_save"),
            scale: try symbol("cairo_scale"),
            select_font_face: try symbol("cairo_select_font_face"),
            set_antialias: try symbol("cairo_set_antialias"),
            set_dash: try symbol("cairo_set_dash"),
            set_font_size: try symbol("cairo_set_font_size"),
            set_line_cap: try symbol("cairo_set_line_cap"),
            set_line_join: try symbol("cairo_set_line_join"),
            set_line_width: try symbol("cairo_set_line_width"),
            set_source_rgba: try symbol("cairo_set_source_rgba"),
            set_source_surface: try symbol("cairo_set_source_surface"),
            show_text: try symbol("cairo_show_text"),
            status: try symbol("cairo_status"),
            status_to_string: try symbol("cairo_status_to_string"),
            stroke: try symbol("cairo_stroke"),
            surface_destroy: try symbol("cairo_surface_destroy"),
            surface_flush: try symbol("cairo_surface_flush"),
            surface_mark_dirty: try symbol("cairo_surface_mark_dirty"),
            surface_status: try symbol("cairo_surface_status"),
            surface_write_to_png_stream: try symbol("cairo_surface_write_to_png_stream"),
            text_extents: try symbol("cairo_text_extents"),
            translate: try symbol("cairo_translate")
            ))
        } catch {
            return .failure(error)
        }
    }
}

/// cairo's functions, opened on first use (a global `let` is initialised once, lazily).
/// Charts cannot be drawn without cairo, which every install of Tensorcell has (it is a
/// package dependency), so its absence stops the program with the reason.
let cairo: CairoLibrary = {
    switch CairoLibrary.load() {
    case .success(let library): return library
    case .failure(let error): fatalError("\(error)")
    }
}()
