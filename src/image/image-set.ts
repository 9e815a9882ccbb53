// The source of a session of several images (serve boot=IMG root=IMG ...):
// each image opened as one alone would be (image-file.ts: a file, a block
// device, a compressed file or standard input, spooled), laid one after
// another from block boundaries (src/wire/image-parts.ts), and read as one
// source whose padding reads as zeros.

import { RingcastError } from '../errors.js'
import { layParts, MAX_PARTS, partNameProblem, type ImagePart } from '../wire/image-parts.js'
import { openImage, type ImageSource, type OpenImageOptions } from './image-file.js'

/** An image as serve was given it: NAME=IMAGE, or a lone IMAGE with the name ''. */
export interface NamedImage {
  name: string
  path: string
}

/** A session's source: one image, or several with their layout (`parts`, empty for one). */
export type SessionSource = ImageSource & { readonly parts: readonly ImagePart[] }

/** Why these images cannot be one session's, or undefined. */
export function imagesProblem (images: readonly NamedImage[]): string | undefined {
  if (images.length === 0) return 'serve needs an image'
  if (images.length === 1) return images[0]!.path === '' ? 'the image path is empty' : undefined
  if (images.length > MAX_PARTS) return `at most ${MAX_PARTS} images in one session (got ${images.length})`
  const names = new Set<string>()
  for (const image of images) {
    if (image.name === '') return `with several images, name each one: NAME=IMAGE (${image.path} has no name)`
    const problem = partNameProblem(image.name)
    if (problem !== undefined) return problem
    if (names.has(image.name)) return `two images are named ${image.name}`
    names.add(image.name)
    if (image.path === '') return `image ${image.name} has an empty path`
  }
  if (images.filter(i => i.path === '-').length > 1) return 'only one image can come from standard input (-)'
  return undefined
}

export async function openSessionSource (images: readonly NamedImage[], blockSize: number, options: OpenImageOptions = {}): Promise<SessionSource> {
  const problem = imagesProblem(images)
  if (problem !== undefined) throw new RingcastError('USAGE', problem)
  if (images.length === 1) return { ...await openImage(images[0]!.path, options), parts: [] }
  const opened: ImageSource[] = []
  try {
    for (const image of images) opened.push(await openImage(image.path, options))
  } catch (err) {
    await Promise.all(opened.map(async i => { await i.close().catch(() => {}) }))
    throw err
  }
  const { parts, imageSize } = layParts(images.map((image, i) => ({ name: image.name, size: opened[i]!.size })), blockSize)
  return {
    path: opened[0]!.path,
    name: parts.map(p => p.name).join(', '),
    size: imageSize,
    parts,
    segments: parts.map((p, i) => ({ name: p.name, path: opened[i]!.path, offset: p.offset, size: p.size })),
    async read (offset, length, into) {
      const buf = into ?? Buffer.allocUnsafe(length)
      const out = buf.subarray(0, length)
      out.fill(0)
      for (const [i, p] of parts.entries()) {
        const from = Math.max(offset, p.offset)
        const to = Math.min(offset + length, p.offset + p.size)
        if (from < to) await opened[i]!.read(from - p.offset, to - from, out.subarray(from - offset, to - offset))
      }
      return out
    },
    async close () {
      await Promise.all(opened.map(async i => { await i.close() }))
    }
  }
}
