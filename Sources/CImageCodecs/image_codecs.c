#include "image_codecs.h"

#include <png.h>
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/// The largest image decoded: 2^26 pixels (8192 × 8192), so a hostile header cannot ask for gigabytes.
#define GC_MAX_PIXELS ((size_t)1 << 26)

static void set_error(char *err, size_t errlen, const char *a, const char *b) {
    if (err && errlen) snprintf(err, errlen, "%s%s", a, b ? b : "");
}

void gc_image_free(gc_image *image) {
    if (image) { free(image->rgb); image->rgb = NULL; }
}

int gc_decode_png(const char *path, gc_image *out, char *err, size_t errlen) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        set_error(err, errlen, "not a readable PNG: ", img.message);
        png_image_free(&img);
        return -1;
    }
    if (img.width == 0 || img.height == 0 || (size_t)img.width * img.height > GC_MAX_PIXELS) {
        set_error(err, errlen, "PNG size out of range (at least 1×1, at most 2^26 pixels)", NULL);
        png_image_free(&img);
        return -1;
    }
    img.format = PNG_FORMAT_RGBA;   // alpha kept here and dropped below (no compositing, as PIL's convert("RGB"))
    size_t n = (size_t)img.width * img.height;
    unsigned char *rgba = malloc(n * 4);
    if (!rgba) { png_image_free(&img); set_error(err, errlen, "out of memory", NULL); return -1; }
    if (!png_image_finish_read(&img, NULL, rgba, 0, NULL)) {
        set_error(err, errlen, "corrupt or truncated PNG: ", img.message);
        free(rgba);
        png_image_free(&img);
        return -1;
    }
    unsigned char *rgb = malloc(n * 3);
    if (!rgb) { free(rgba); set_error(err, errlen, "out of memory", NULL); return -1; }
    for (size_t i = 0; i < n; i++) memcpy(rgb + 3 * i, rgba + 4 * i, 3);
    free(rgba);
    out->width = (int)img.width;
    out->height = (int)img.height;
    out->rgb = rgb;
    return 0;
}

struct gc_jpeg_error {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void gc_jpeg_error_exit(j_common_ptr cinfo) {
    struct gc_jpeg_error *e = (struct gc_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}

/// Counts warnings (level -1) instead of printing them; trace messages (level >= 0) are ignored.
static void gc_jpeg_quiet(j_common_ptr cinfo, int level) {
    if (level < 0) {
        struct gc_jpeg_error *e = (struct gc_jpeg_error *)cinfo->err;
        if (cinfo->err->num_warnings == 0) (*cinfo->err->format_message)(cinfo, e->message);
        cinfo->err->num_warnings++;
    }
}

int gc_decode_jpeg(const char *path, gc_image *out, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) { set_error(err, errlen, "cannot open: ", strerror(errno)); return -1; }
    struct jpeg_decompress_struct cinfo;
    struct gc_jpeg_error jerr;
    unsigned char *volatile rgb = NULL;
    cinfo.err = jpeg_std_error(&jerr.mgr);
    jerr.mgr.error_exit = gc_jpeg_error_exit;
    jerr.mgr.emit_message = gc_jpeg_quiet;   // warnings (e.g. premature end of data) become errors below
    if (setjmp(jerr.jump)) {
        set_error(err, errlen, "corrupt or truncated JPEG: ", jerr.message);
        jpeg_destroy_decompress(&cinfo);
        free(rgb);
        fclose(f);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        set_error(err, errlen, "CMYK JPEGs are not supported", NULL);
        jpeg_destroy_decompress(&cinfo);
        fclose(f);
        return -1;
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3 || (size_t)cinfo.output_width * cinfo.output_height > GC_MAX_PIXELS) {
        set_error(err, errlen, "unsupported JPEG layout or size (at most 2^26 pixels)", NULL);
        jpeg_destroy_decompress(&cinfo);
        fclose(f);
        return -1;
    }
    size_t stride = (size_t)cinfo.output_width * 3;
    rgb = malloc(stride * cinfo.output_height);
    if (!rgb) { jpeg_destroy_decompress(&cinfo); fclose(f); set_error(err, errlen, "out of memory", NULL); return -1; }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = rgb + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    if (jerr.mgr.num_warnings > 0) {
        // libjpeg pads a truncated file with grey and only warns; a truncated input is an error here.
        set_error(err, errlen, "corrupt or truncated JPEG: ", jerr.message);
        jpeg_destroy_decompress(&cinfo);
        free(rgb);
        fclose(f);
        return -1;
    }
    jpeg_finish_decompress(&cinfo);
    out->width = (int)cinfo.output_width;
    out->height = (int)cinfo.output_height;
    out->rgb = rgb;
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    return 0;
}

int gc_encode_png(const char *path, const unsigned char *rgb, int width, int height, char *err, size_t errlen) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)width;
    img.height = (png_uint_32)height;
    img.format = PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&img, path, 0, rgb, 0, NULL)) {
        set_error(err, errlen, "cannot write PNG: ", img.message);
        png_image_free(&img);
        return -1;
    }
    return 0;
}

int gc_encode_jpeg(const char *path, const unsigned char *rgb, int width, int height, int quality,
                   char *err, size_t errlen) {
    FILE *f = fopen(path, "wb");
    if (!f) { set_error(err, errlen, "cannot open for writing: ", strerror(errno)); return -1; }
    struct jpeg_compress_struct cinfo;
    struct gc_jpeg_error jerr;
    cinfo.err = jpeg_std_error(&jerr.mgr);
    jerr.mgr.error_exit = gc_jpeg_error_exit;
    if (setjmp(jerr.jump)) {
        set_error(err, errlen, "cannot write JPEG: ", jerr.message);
        jpeg_destroy_compress(&cinfo);
        fclose(f);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, f);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    if (fclose(f) != 0) { set_error(err, errlen, "cannot write JPEG: ", strerror(errno)); return -1; }
    return 0;
}
