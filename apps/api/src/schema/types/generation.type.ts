import { Field, Float, ID, InputType, Int, ObjectType, GraphQLISODateTime } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { Asset } from './asset.type.js';

@InputType({ description: 'Music from an image (Imagic): exactly one of image / imageAssetId; optionally music to continue and a track to steer towards' })
export class GenerateMusicInput {
  @Field(() => GraphQLUpload, { nullable: true, description: 'the image to make music for (stored as an UPLOAD asset)' })
  image?: Promise<FileUpload>;

  @Field(() => ID, { nullable: true, description: 'or a stored IMAGE asset' })
  imageAssetId?: string;

  @Field(() => GraphQLUpload, { nullable: true, description: 'music to continue: a MIDI file, or an audio file (stored as an UPLOAD asset and transcribed to notes)' })
  prompt?: Promise<FileUpload>;

  @Field(() => ID, { nullable: true, description: 'or an AUDIO asset: a GENERATED one continues from its stored MIDI, any other is transcribed' })
  promptAssetId?: string;

  @Field(() => GraphQLUpload, { nullable: true, description: 'a reference track to steer towards: its MuVis audio embedding is blended with the image\'s (stored as an UPLOAD asset)' })
  guide?: Promise<FileUpload>;

  @Field(() => ID, { nullable: true, description: 'or an AUDIO asset as the reference track' })
  guideAssetId?: string;

  @Field(() => Float, { nullable: true, description: 'weight of the guide in the blend, 0–1 (default 0.5 when a guide is given)' })
  guideWeight?: number;

  @Field(() => Float, { nullable: true, description: 'seconds of music after any prompt (default 10; MUSE_GENERATE_MIN_SECONDS–MUSE_GENERATE_MAX_SECONDS, at most 5–120)' })
  seconds?: number;

  @Field(() => Int, { nullable: true, description: 'starting tempo, whole BPM 40–240 (a prompt fixes its own)' })
  tempo?: number;

  @Field(() => String, { nullable: true, description: 'tonic: C, C#/Db, … B' })
  key?: string;

  @Field(() => String, { nullable: true, description: 'major or minor' })
  mode?: string;

  @Field(() => String, { nullable: true, description: 'e.g. 3/4 (a prompt fixes its own)' })
  meter?: string;

  @Field(() => String, { nullable: true, description: 'one of the vocabulary\'s styles (e.g. jazz, ballad)' })
  style?: string;

  @Field(() => [String], { nullable: true, description: 'GM programs 0–127 and at most one drum kit ("drums", "drums:jazz", …)' })
  instruments?: string[];

  @Field(() => Int, { nullable: true, description: 'notes per beat as a bin 0–9' })
  density?: number;

  @Field(() => Boolean, { nullable: true, description: 'end on a bar line so that the piece repeats seamlessly (default false)' })
  loop?: boolean;

  @Field(() => Float, { nullable: true, description: 'sampling temperature 0–5 (default 1)' })
  temperature?: number;

  @Field(() => Float, { nullable: true, description: 'nucleus sampling, (0, 1] (default 0.95)' })
  topP?: number;

  @Field(() => Float, { nullable: true, description: 'classifier-free guidance 0–20 (default 3; 1 = conditioned only)' })
  guidanceScale?: number;

  @Field(() => Int, { nullable: true, description: '0–2147483647; random when absent, recorded in each result\'s generation (variation i uses seed + i)' })
  seed?: number;

  @Field(() => Int, { nullable: true, description: 'variations, 1–4 (MUSE_GENERATE_MAX_COUNT; default 1)' })
  count?: number;

  @Field(() => ID, { nullable: true, description: 'add the results to this library' })
  libraryId?: string;

  @Field(() => String, { nullable: true, description: 'title of the results (default "Music for <image title>"); variations get " (i of n)"' })
  title?: string;
}

@InputType({ description: 'A picture from music (MusIm): exactly one of audio / audioAssetId; optionally an image to start from (SDEdit)' })
export class GenerateImageInput {
  @Field(() => GraphQLUpload, { nullable: true, description: 'the track to make a picture for (stored as an UPLOAD asset)' })
  audio?: Promise<FileUpload>;

  @Field(() => ID, { nullable: true, description: 'or a stored AUDIO asset' })
  audioAssetId?: string;

  @Field(() => GraphQLUpload, { nullable: true, description: 'an image to start from (stored as an UPLOAD asset): encoded, noised to `strength` and denoised under the music' })
  guide?: Promise<FileUpload>;

  @Field(() => ID, { nullable: true, description: 'or a stored IMAGE asset to start from' })
  guideAssetId?: string;

  @Field(() => Float, { nullable: true, description: 'how far from the guide, 0–1 (default 0.6 with a guide): 0 returns the guide (re-encoded), 1 ignores it' })
  strength?: number;

  @Field(() => Int, { nullable: true, description: 'denoiser steps, 1–50 (default 20)' })
  steps?: number;

  @Field(() => String, { nullable: true, description: 'dpmpp-2m (default) or ddim' })
  sampler?: string;

  @Field(() => Float, { nullable: true, description: 'classifier-free guidance 0–20 (default 3; 1 = conditioned only)' })
  guidanceScale?: number;

  @Field(() => Int, { nullable: true, description: '0–2147483647; random when absent, recorded in each result\'s generation (variation i uses seed + i)' })
  seed?: number;

  @Field(() => Int, { nullable: true, description: 'variations, 1–4 (MUSE_GENERATE_MAX_COUNT; default 1)' })
  count?: number;

  @Field(() => Boolean, { nullable: true, description: '2× Lanczos upscale of each 256×256 result to 512×512 (default false)' })
  upscale?: boolean;

  @Field(() => ID, { nullable: true, description: 'add the results to this library' })
  libraryId?: string;

  @Field(() => String, { nullable: true, description: 'title of the results (default "Picture for <track title>"); variations get " (i of n)"' })
  title?: string;
}

@ObjectType({ description: 'An input of a generation' })
export class GenerationSource {
  @Field(() => String, { description: 'IMAGE (music from it), AUDIO (a picture for it), PROMPT or GUIDE' })
  role!: string;

  @Field(() => Asset, { nullable: true, description: 'null for an uploaded MIDI prompt (no asset) or a source deleted since' })
  asset!: Asset | null;
}

@ObjectType({ description: 'How a GENERATED asset was made' })
export class Generation {
  @Field(() => String, { description: 'imagic (music from an image) or musim (a picture from music)' })
  engine!: string;

  @Field(() => String, { description: 'the generator bundle, name@version' })
  bundle!: string;

  @Field(() => String, { description: 'the MuVis bundle it pins (that embedded its condition), name@version' })
  encoder!: string;

  @Field(() => Float, { description: 'this piece\'s seed (the request\'s seed + its variation): the same seed and inputs give the same MIDI' })
  seed!: number;

  @Field(() => GraphQLJSON, { description: 'imagic: seconds, count, variation, baseSeed, temperature, topP, guidanceScale, loop, controls, guideWeight, prompt { kind }, output { seconds promptSeconds bars tokens renderedSeconds decodeMs }; musim: count, variation, baseSeed, steps, sampler, guidanceScale, upscale, strength, output { width height denoiserCalls wallMs }' })
  parameters!: unknown;

  @Field(() => [GenerationSource])
  sources!: GenerationSource[];

  @Field(() => String, { nullable: true, description: 'absolute URL of the piece\'s MIDI file (GET, same auth as url); null for a picture' })
  midiUrl!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
