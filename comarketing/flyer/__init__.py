"""The printable co-branded flyer: `layout` draws the page (`render_flyer`), `images` prepares
the uploads it carries for print."""
